"""Two optimizers over two layers of a Module, each stepped with gradients torch.autograd.grad takes for its layer
only and sets on `.grad` (the TF guide's partial update, as TF -> PyTorch writes it): no backward() in the file. The
batches come from a plain data-loader class reading `np` (imported under another name): what it returns is off the
graph."""
import numpy as np
import torch


class Loader:
    def __init__(self):
        rs = np.random.RandomState(0)
        self.data = rs.uniform(-1.0, 1.0, (12, 3)).astype(np.float32)
        self.label = rs.uniform(0.0, 1.0, (12, 2)).astype(np.float32)

    def get_batch(self, i, size):
        return self.data[i * size:(i + 1) * size], self.label[i * size:(i + 1) * size]


class MLP(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.dense1 = torch.nn.Linear(3, 4)
        self.dense2 = torch.nn.Linear(4, 2)

    def forward(self, x):
        return self.dense2(torch.tanh(self.dense1(x)))


torch.manual_seed(0)
model = MLP()
loader = Loader()
optimizer_1 = torch.optim.SGD(model.dense1.parameters(), lr=0.1)
optimizer_2 = torch.optim.SGD(model.dense2.parameters(), lr=0.01)
losses = []
for i in range(3):
    X, y = loader.get_batch(i, 4)
    loss = torch.mean((model(torch.as_tensor(X)) - torch.as_tensor(y)) ** 2)
    losses.append(loss.detach())
    grads = list(torch.autograd.grad(loss, [param for param in model.dense1.parameters()], retain_graph=True))
    for param, grad in zip([param for param in model.dense1.parameters()], grads):
        param.grad = grad
    optimizer_1.step()
    grads = list(torch.autograd.grad(loss, [param for param in model.dense2.parameters()], retain_graph=True))
    for param2, grad2 in zip([param for param in model.dense2.parameters()], grads):
        param2.grad = grad2
    optimizer_2.step()
loss_curve = torch.stack(losses)
w1, b2 = model.dense1.weight.detach().clone(), model.dense2.bias.detach().clone()
w1_grad = model.dense1.weight.grad
