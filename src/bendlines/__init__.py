"""Bending Lines: the tested numerics behind the book.

Modules
-------
activations  the activation registry (values, derivatives, formulas, properties)
mlp          a small numpy multilayer perceptron trained by backpropagation
data         the book's data sets and 1-D target functions
approx       piecewise-linear approximation with sums of ReLU hinges
regions      exact linear regions of ReLU networks with 2-D input
experiments  the experiments each chapter runs
style        one plotting style for every figure
render       deterministic figure files and the figure-script command line
"""

__version__ = "0.1.0"
