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
blas         the reference OpenBLAS and numpy kernels, chosen before numpy loads

Importing ``bendlines`` before numpy selects the kernels the stored results were made with
(:func:`bendlines.blas.select_reference`), so they recompute bit for bit on any x86-64 CPU
with AVX2; a kernel already chosen in the environment is kept.
"""

from bendlines import blas as _blas

_blas.select_reference()

__version__ = "0.1.0"
