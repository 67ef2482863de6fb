"""Dropout layers in a Sequential and in a Module, trained after model.eval() (the identity, as in torch), and a
Dropout(p=0.0) in training mode; eval() and train() reach submodules and a Sequential's modules."""
import torch


class Head(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.drop = torch.nn.Dropout(0.5)
        self.fc = torch.nn.Linear(4, 2)

    def forward(self, x):
        return self.fc(self.drop(x))


model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Dropout(p=0.3), torch.nn.ReLU(), Head())
inputs = torch.randn(5, 3)
targets = torch.randn(5, 2)
model.eval()
flags = [model.training, model[1].training, model[3].training, model[3].drop.training]
optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
for step in range(3):
    loss = ((model(inputs) - targets) ** 2).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
grads = [p.grad for p in model.parameters()]
model.train()
back = [model.training, model[3].drop.training]
keep = torch.nn.Dropout(0.0)
same = keep(inputs)
