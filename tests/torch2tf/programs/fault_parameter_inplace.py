"""In-place updates under torch.no_grad() of parameters reached through indexing or attributes
(`model[0].weight.fill_(...)`), in a file with no backward(): they were left as torch methods (a crash in TF)."""
import torch

torch.manual_seed(0)


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(3, 2)
        self.scale = torch.nn.Parameter(torch.ones(2))

    def forward(self, x):
        return self.fc(x) * self.scale


model = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Tanh(), torch.nn.Linear(2, 1))
net = Net()
with torch.no_grad():
    model[0].weight.fill_(0.5)
    model[0].bias.zero_()
    model[2].weight.mul_(2.0)
    model[2].bias.add_(1.0)
    model[2].bias.sub_(0.25)
    net.fc.weight.copy_(torch.arange(6.0).reshape(2, 3))
    net.fc.bias.data.fill_(-1.0)
    net.scale.div_(4.0)
    for p in net.parameters():
        p.mul_(0.5)
y = model(torch.ones(4, 3))
z = net(torch.ones(4, 3))
