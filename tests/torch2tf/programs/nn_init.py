"""torch.nn.init on the parameters of Linear layers (in __init__ and outside): xavier_uniform_ with a gain,
xavier_normal_, normal_, uniform_, constant_, zeros_; the TF side draws the same numbers from the weights stream in
twin runs, in the same order; gradients after."""
import torch
from torch import nn

g1, g2 = 1.0, 2.0


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3)
        self.out = nn.Linear(3, 2)
        nn.init.xavier_uniform_(self.fc.weight, gain=g1 * g2)
        nn.init.constant_(self.fc.bias, 0.1)
        nn.init.xavier_normal_(self.out.weight)
        nn.init.normal_(self.out.bias, mean=1.0, std=0.5)

    def forward(self, x):
        return self.out(torch.relu(self.fc(x)))


net = Net()
nn.init.uniform_(net.out.bias, -0.2, 0.2)
nn.init.zeros_(net.fc.bias)
w1, w2, b2 = net.fc.weight.detach(), net.out.weight.detach(), net.out.bias.detach()
x = torch.randn(5, 4)
loss = net(x).sum()
loss.backward()
g = [p.grad for p in net.parameters()]
