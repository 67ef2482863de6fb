"""Modules as TF -> PyTorch writes the TF guide's core quickstart: a Module with neither forward nor __call__ (a
normaliser with norm/unnorm methods), and one whose __call__ makes its Parameters on the first call (`if not
self.built:`); trained on a DataLoader's batches by a loop over `sorted(model.named_parameters())` with backward(inputs=...) and updates
under no_grad."""
import torch


class Normalize(torch.nn.Module):
    def __init__(self, x):
        super().__init__()
        self.mean = torch.mean(x, dim=0)
        self.std = torch.std(x, dim=0, correction=0)

    def norm(self, x):
        return (x - self.mean) / self.std

    def unnorm(self, x):
        return (x * self.std) + self.mean


class LinearRegression(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.built = False

    def __call__(self, x):
        if not self.built:
            self.w = torch.nn.Parameter(torch.linspace(-0.5, 0.5, x.shape[-1]).reshape(x.shape[-1], 1))
            self.b = torch.nn.Parameter(torch.tensor(0.1))
            self.built = True
        y = torch.add(torch.matmul(x, self.w), self.b)
        return torch.squeeze(y, dim=1)


x = torch.linspace(-1.0, 2.0, 24).reshape(8, 3)
y = x[:, 0] * 2.0 - x[:, 2] + 0.5
norm_x, norm_y = Normalize(x), Normalize(y)
x_norm, y_norm = norm_x.norm(x), norm_y.norm(y)
lin_reg = LinearRegression()
count_before = len(list(lin_reg.parameters()))
prediction = norm_y.unnorm(lin_reg(x_norm[:1]))
count_after = len(list(lin_reg.parameters()))
dataset = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x_norm, y_norm), batch_size=4)
losses = []
for epoch in range(2):
  for x_batch, y_batch in dataset:
    loss = torch.mean(torch.square(lin_reg(x_batch) - y_batch))
    for param in [param for _, param in sorted(lin_reg.named_parameters())]:
      param.grad = None
    loss.backward(inputs=[param for param in [param for _, param in sorted(lin_reg.named_parameters())]])
    grads = [p.grad for p in [param for _, param in sorted(lin_reg.named_parameters())]]
    for g, v in zip(grads, [param for _, param in sorted(lin_reg.named_parameters())]):
      with torch.no_grad():
        v.sub_(0.1 * g)
    losses.append(loss.detach())
loss_curve = torch.stack(losses)
names = [name for name, _ in lin_reg.named_parameters()]
w, b = lin_reg.w.detach().clone(), lin_reg.b.detach().clone()
