"""An nn.Module holding Parameters, trained by an optimizer over model.parameters() (zero_grad, backward, step),
with a loss module; the parameters' gradients read from .grad, accumulation over two backward() calls without
zero_grad, and model.zero_grad()."""
import torch


class Cubic(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.a = torch.nn.Parameter(torch.tensor(0.5))
        self.b = torch.nn.Parameter(torch.tensor([1.0, -0.5]))
        self.unused = torch.nn.Parameter(torch.tensor(2.0))

    def forward(self, x):
        return self.a + x * self.b[0] + x ** 3 * self.b[1]


x = torch.linspace(-1.0, 1.0, 9)
y = torch.sin(3.0 * x)
model = Cubic()
criterion = torch.nn.MSELoss(reduction='sum')
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
for step in range(5):
    y_pred = model(x)
    loss = criterion(y_pred, y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
ga, gb, gu = model.a.grad, model.b.grad, model.unused.grad
a, b = model.a.detach().clone(), model.b.detach().clone()

model.zero_grad()
criterion(model(x), y).backward()
criterion(model(x), y * 2).backward()
accumulated = [p.grad for p in model.parameters()]
names = len(list(model.parameters()))

for step in range(3):  # by hand, as the examples_nn tutorial does
    model.zero_grad()
    criterion(model(x), y).backward()
    with torch.no_grad():
        for param in model.parameters():
            if param.grad is not None:
                param -= 0.01 * param.grad
        model.b.data.sub_(0.001 * model.b.grad)
        model.a.grad.zero_()
by_hand = [p.detach().clone() for p in model.parameters()]
zeroed = model.a.grad

model.zero_grad()
criterion(model(x), y).backward(inputs=[p for p in model.parameters() if p.requires_grad and p.dim() > 0])
only_b = [p.grad for p in model.parameters()]
