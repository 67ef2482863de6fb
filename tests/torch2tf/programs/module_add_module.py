"""d2l's MySequential: a Module registering its submodules with `self.add_module(str(idx), module)` and calling
`self.children()` in order; parameters() lists each child's in turn (a layer added twice, once), as torch does."""
import torch
from torch import nn


class MySequential(nn.Module):
    def __init__(self, *args):
        super().__init__()
        for idx, module in enumerate(args):
            self.add_module(str(idx), module)

    def forward(self, X):
        for module in self.children():
            X = module(X)
        return X


shared = nn.Linear(4, 4)
net = MySequential(nn.Linear(3, 4), nn.ReLU(), shared, nn.Tanh(), shared, nn.Linear(4, 1))
opt = torch.optim.SGD(net.parameters(), lr=0.1)
X = torch.rand(5, 3)
for step in range(2):
    opt.zero_grad()
    loss = (net(X) ** 2).mean()
    loss.backward()
    opt.step()
n_params = len(list(net.parameters()))
n_children = len(list(net.children()))
names = [name for name, _ in net.named_parameters()]
first_weight = getattr(net, "0").weight
out = net(X)
