"""Hand-written optimizers that get the leaves and their gradients as arguments (d2l's linear regression passes
`[w.grad]` explicitly): updates in place through the parameter names and the loop variables, under no_grad or on
`.data`, must reach the variables the callers passed."""
import torch


def sgd(params, grads, lr):
    for param, grad in zip(params, grads):
        with torch.no_grad():
            param.sub_(lr * grad)


def sgd_augmented(params, grads, lr):
    with torch.no_grad():
        for param, grad in zip(params, grads):
            param -= lr * grad


def ascend(params, grads, lr):
    for param, grad in zip(params, grads):
        param.data.add_(grad, alpha=lr)


def shrink(param, factor):
    with torch.no_grad():
        param.mul_(factor)


features = torch.linspace(-1.0, 1.0, 8).reshape(4, 2)
labels = torch.matmul(features, torch.tensor([2.0, -3.4])) + 4.2
w = torch.zeros(2, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
for step in range(3):
    loss = ((torch.matmul(features, w) + b - labels) ** 2).mean()
    loss.backward()
    sgd([w, b], [w.grad, b.grad], 0.1)
    w.grad = None
    b.grad = None
w_sgd, b_sgd = w.detach().clone(), b.detach().clone()
loss = ((torch.matmul(features, w) + b - labels) ** 2).mean()
loss.backward()
sgd_augmented([w, b], [w.grad, b.grad], 0.05)
w_augmented = w.detach().clone()
ascend((w, b), (w.grad, b.grad), 0.01)
shrink(b, 0.5)
w_final, b_final = w.detach().clone(), b.detach().clone()
