"""A Module holding ModuleLists (Linear layers built in a comprehension, activation modules) looped over in forward,
activation modules made in forward (LogSoftmax), ModuleList.append; parameters() in torch's order, every gradient,
SGD over model.parameters(), eval()/train()."""
import torch


class Stack(torch.nn.Module):
    def __init__(self, width, depth):
        super().__init__()
        self.blocks = torch.nn.ModuleList([torch.nn.Linear(width, width) for _ in range(depth)])
        self.acts = torch.nn.ModuleList([torch.nn.LeakyReLU(0.1), torch.nn.ELU(), torch.nn.GELU(),
                                         torch.nn.GELU(approximate='tanh'), torch.nn.SiLU(), torch.nn.Softplus()])
        self.out = torch.nn.Linear(width, 3)

    def forward(self, x):
        for i, block in enumerate(self.blocks):
            x = self.acts[i % len(self.acts)](block(x))
        return torch.nn.LogSoftmax(dim=-1)(self.out(x))


inputs = torch.randn(8, 4)
targets = torch.nn.functional.one_hot(torch.tensor([0, 1, 2, 0, 1, 2, 0, 1]), 3).float()
model = Stack(4, 7)
model.acts.append(torch.nn.Tanh())
count = len(list(model.parameters()))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for step in range(4):
    loss = -(model(inputs) * targets).sum() / 8
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
grads = [param.grad for param in model.parameters()]
last_weight = model.blocks[-1].weight.detach().clone()
model.eval()
with torch.no_grad():
    probs = torch.nn.Softmax(dim=1)(model(inputs))
model.train()
