"""d2l's custom layers: `nn.LazyLinear(out)` takes in_features from its first input, drawing its weight then; an
optimizer made before that call updates the parameters the call fills."""
import torch
from torch import nn

net = nn.Sequential(nn.LazyLinear(8), nn.ReLU(), nn.LazyLinear(1, bias=False))
opt = torch.optim.SGD(net.parameters(), lr=0.1)
X = torch.rand(4, 5)
for step in range(3):
    opt.zero_grad()
    loss = (net(X) ** 2).mean()
    loss.backward()
    opt.step()
w0 = net[0].weight
b0 = net[0].bias
w2 = net[2].weight
in_features = net[0].in_features

# Adam makes its moments from each parameter's shape, known once the first call filled it
adam_net = nn.Sequential(nn.LazyLinear(3), nn.Tanh(), nn.LazyLinear(1))
adam = torch.optim.Adam(adam_net.parameters(), lr=0.05)
for step in range(2):
    adam.zero_grad()
    adam_loss = (adam_net(X) ** 2).mean()
    adam_loss.backward()
    adam.step()
adam_w = adam_net[2].weight
