"""A Module whose forward reads `.data` of its own Parameters (d2l's custom-layer style): the read is the detached
value, so the loss's gradient reaches only the parameters read without `.data`. `.data` was left on the TF variable,
an unflagged AttributeError."""
import torch

torch.manual_seed(0)


class Affine(torch.nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.arange(n_in * n_out, dtype=torch.float32).reshape(n_in, n_out) / 10)
        self.bias = torch.nn.Parameter(torch.ones(n_out))
        self.scale = torch.nn.Parameter(torch.tensor(2.0))

    def forward(self, x):
        return torch.relu(torch.matmul(x, self.weight.data) + self.bias.data) * self.scale


layer = Affine(4, 3)
x = torch.linspace(-1.0, 1.0, 8).reshape(2, 4)
out = layer(x)
loss = (out ** 2).sum()
loss.backward()
scale_grad = layer.scale.grad
weight_grad = layer.weight.grad
