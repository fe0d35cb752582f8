"""The experiments each chapter runs, one module per chapter.

A chapter calls these functions, glues their numbers into the text and hands their
results to its figure scripts; the tests in ``tests/`` assert the chapter's claims on the
very same functions and settings.

primer        how a network learns (losses, gradient descent, Adam, overfitting, backprop)
nonlinearity  why networks need nonlinearity (collapse of linear layers, xor, MNIST-1D)
piecewise     ReLU networks as piecewise-linear functions (hinges, regions, depth)
choosing      choosing an activation (gradients, initialisation, dying units, head to head)
"""
