"""`.data` of tensors that are no leaves (pytorch/tutorials' linear regression prints `y_pred.data[0][0]` of a
model's output): a computed tensor, an expression, a loss, a reduction, a tensor turned into NumPy; `.data` is the
detached value in each case, also where the tensor is on the graph."""
import torch
from torch import nn, tensor


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(1, 1)

    def forward(self, x):
        return self.linear(x)


torch.manual_seed(0)
model = Model()
x_data = tensor([[1.0], [7.0], [3.0]])
y_data = tensor([[2.0], [3.0], [7.0]])
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
for epoch in range(5):
    optimizer.zero_grad()
    loss = ((model(x_data) - y_data) ** 2).sum()
    loss.backward()
    optimizer.step()
last_loss = loss.data
y_pred = model(tensor([[5.0]]))
prediction = y_pred.data[0][0]

x = tensor([[5.0, -1.0]])
doubled = x * 2
first = doubled.data[0][0]
scaled = (x * 3).data[0][1]
as_numpy = doubled.data.numpy()
total = x.sum().data
w = torch.ones(2, requires_grad=True)
out = (w * x[0]).sum()
detached = out.data * 2
out.backward()
