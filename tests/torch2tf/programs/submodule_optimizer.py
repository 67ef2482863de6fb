"""An optimizer over one submodule's parameters (fine-tuning a head): only that submodule moves, the other
parameters' gradients accumulate over the steps, as nothing zeroes them."""
import torch


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.body = torch.nn.Linear(3, 4)
        self.head = torch.nn.Linear(4, 2)

    def forward(self, x):
        return self.head(torch.relu(self.body(x)))


model = Net()
x = torch.randn(5, 3)
y = torch.randn(5, 2)
optimizer = torch.optim.SGD(model.head.parameters(), lr=0.1)
for step in range(3):
    optimizer.zero_grad()
    loss = ((model(x) - y) ** 2).mean()
    loss.backward()
    optimizer.step()
head_weight, body_weight = model.head.weight, model.body.weight
body_grad, head_grad = model.body.weight.grad, model.head.bias.grad
