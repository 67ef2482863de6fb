"""Leaves held by plain classes (Deep Learning with Python's NaiveDense/NaiveSequential, as TF -> PyTorch writes
them): `self.W = torch.tensor(v, requires_grad=True)` in __init__, a `weights` property listing them, a training
step in a function given the model (the forward pass runs there, so its tape records it), a manual update through a
helper's parameters under no_grad, then torch.optim.SGD over `model.weights` with `.grad` set from a list."""
import math

import torch


class NaiveDense:
    def __init__(self, input_size, output_size, activation):
        self.activation = activation
        w_initial_value = torch.linspace(-0.5, 0.5, input_size * output_size).reshape(input_size, output_size)
        self.W = torch.tensor(w_initial_value, requires_grad=True)
        self.b = torch.zeros((output_size,)).requires_grad_()

    def __call__(self, inputs):
        return self.activation(torch.matmul(inputs, self.W) + self.b)

    @property
    def weights(self):
        return [self.W, self.b]


class NaiveSequential:
    def __init__(self, layers):
        self.layers = layers

    def __call__(self, inputs):
        x = inputs
        for layer in self.layers:
            x = layer(x)
        return x

    @property
    def weights(self):
        weights = []
        for layer in self.layers:
            weights += layer.weights
        return weights


class BatchGenerator:
    def __init__(self, images, labels, batch_size=2):
        self.index = 0
        self.images = images
        self.labels = labels
        self.batch_size = batch_size
        self.num_batches = math.ceil(len(images) / batch_size)

    def next(self):
        images = self.images[self.index: self.index + self.batch_size]
        labels = self.labels[self.index: self.index + self.batch_size]
        self.index += self.batch_size
        return images, labels


model = NaiveSequential([NaiveDense(3, 4, activation=torch.tanh), NaiveDense(4, 2, activation=torch.sigmoid)])
learning_rate = 0.1


def update_weights(gradients, weights):
    for g, w in zip(gradients, weights):
        with torch.no_grad():
            w.sub_(g * learning_rate)


def one_training_step(model, images_batch, labels_batch):
    predictions = model(images_batch)
    average_loss = torch.mean((predictions - labels_batch) ** 2)
    for param in model.weights:
        param.grad = None
    average_loss.backward(inputs=[param for param in model.weights if param.requires_grad])
    gradients = [p.grad for p in model.weights]
    update_weights(gradients, model.weights)
    return average_loss


def fit(model, images, labels, epochs):
    losses = []
    for epoch_counter in range(epochs):
        batch_generator = BatchGenerator(images, labels)
        for batch_counter in range(batch_generator.num_batches):
            images_batch, labels_batch = batch_generator.next()
            losses.append(one_training_step(model, images_batch, labels_batch).detach())
    return losses


images = torch.linspace(-1.0, 1.0, 18).reshape(6, 3)
labels = torch.linspace(0.0, 1.0, 12).reshape(6, 2)
manual_losses = torch.stack(fit(model, images, labels, epochs=2))
W1_manual, b2_manual = model.layers[0].W.detach().clone(), model.layers[1].b.detach().clone()

optimizer = torch.optim.SGD(model.weights, lr=0.05)


def step_with_optimizer(model, x, y):
    loss = torch.mean((model(x) - y) ** 2)
    for param in model.weights:
        param.grad = None
    loss.backward(inputs=[param for param in model.weights if param.requires_grad])
    grads = [p.grad for p in model.weights]
    for param2, grad in zip(model.weights, grads):
        param2.grad = grad
    optimizer.step()
    return loss.detach()


sgd_losses = torch.stack([step_with_optimizer(model, images, labels) for _ in range(3)])
W1, b1 = model.layers[0].W.detach().clone(), model.layers[0].b.detach().clone()
W2_grad = model.layers[1].W.grad
