# d2l's linear regression from scratch: plain leaves w and b, a model and a loss called through aliases (net, loss),
# batches from a generator, backward() of the summed loss and an sgd function updating param.data and zeroing
# param.grad. PyTorch -> TF writes the backward() as a loop over tape.watched_variables() adding into .grad (real
# fault: the way back left that loop, TG110, and crashed: NameError 'tape').
import torch


def data_iter(batch_size, features, labels):
    for i in range(0, len(features), batch_size):
        rows = torch.tensor(list(range(i, min(i + batch_size, len(features)))))
        yield features[rows], labels[rows]


def linreg(X, w, b):
    return torch.matmul(X, w) + b


def squared_loss(y_hat, y):
    return (y_hat - torch.reshape(y, y_hat.shape)) ** 2 / 2


def sgd(params, lr, batch_size):
    for param in params:
        param.data.sub_(lr * param.grad / batch_size)
        param.grad.data.zero_()


features = torch.linspace(-1.0, 1.0, 12).reshape(6, 2)
labels = torch.matmul(features, torch.tensor([[2.0], [-3.0]])) + 0.5
w = torch.zeros((2, 1), requires_grad=True)
b = torch.zeros(1, requires_grad=True)
net, loss = linreg, squared_loss
for epoch in range(2):
    for X, y in data_iter(4, features, labels):
        l = loss(net(X, w, b), y)
        l.sum().backward()
        sgd([w, b], 0.1, 4)
    with torch.no_grad():
        train_l = loss(net(features, w, b), labels).mean()
