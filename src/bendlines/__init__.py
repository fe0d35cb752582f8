"""Bending Lines: the tested numerics behind the book.

Modules
-------
activations  the activation registry (values, derivatives, formulas, properties)
mlp          a small numpy multilayer perceptron: initialisation, losses, backpropagation
optim        SGD, SGD with momentum and Adam on a flat parameter vector
training     the training loop, its history, and ``train_many`` for many nets at once
data         the book's data sets (MNIST-1D, 2-D toy sets)
targets      1-D target functions with their second derivatives
approx       piecewise-linear approximation with sums of ReLU hinges
regions      exact linear regions of ReLU networks with 2-D input
towers       Nielsen's steps, bumps and towers built from ReLU units
experiments  the experiments each chapter runs
style        one plotting style for every figure
numbers      very large and very small numbers in powers of ten, for the prose
render       deterministic figure files and the figure-script command line
"""

__version__ = "0.1.0"
