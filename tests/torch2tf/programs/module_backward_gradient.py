# The 60-minute blitz's pattern: backward(gradient) of a Module's non-scalar output fills .grad of every parameter
# it reaches; the second backward adds into the same .grad, and net.zero_grad() resets it.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 3)
        self.fc2 = nn.Linear(3, 2)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


net = Net()
inputs = torch.arange(8.0).reshape(2, 4) / 4.0 - 1.0
seed = torch.tensor([[1.0, -2.0], [0.5, 3.0]])
out = net(inputs)
net.zero_grad()
out.backward(seed)
first_w1 = net.fc1.weight.grad.clone()
first_b2 = net.fc2.bias.grad.clone()
out = net(inputs)
out.backward(gradient=seed * 2.0)
summed_w1 = net.fc1.weight.grad
summed_b2 = net.fc2.bias.grad
