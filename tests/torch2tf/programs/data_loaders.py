# Training over DataLoader batches: a shuffled TensorDataset (the last batch shorter; workers change nothing),
# an unshuffled loader dropping the last batch, the default batch size of 1, a TensorDataset iterated as is and a
# loader over a tensor's rows.
import torch
import torch.utils.data as Data

torch.manual_seed(0)
x = torch.linspace(-1, 1, 10).reshape(10, 1) * torch.tensor([[1.0, -2.0, 0.5]])
y = x.sum(dim=1) + 0.3

train_set = Data.TensorDataset(x, y)
loader = Data.DataLoader(dataset=train_set, batch_size=4, shuffle=True, num_workers=0)
val = Data.DataLoader(Data.TensorDataset(x, y), batch_size=3, drop_last=True)
ones = Data.DataLoader(Data.TensorDataset(y))

w = torch.zeros(3, requires_grad=True)
b = torch.tensor(0.0, requires_grad=True)
opt = torch.optim.SGD([w, b], lr=0.1)

losses = []
for epoch in range(3):
    for step, (xb, yb) in enumerate(loader):
        loss = ((xb @ w + b - yb) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())

val_sizes = [xb.shape[0] for xb, yb in val]
first_one = [t for (t,) in ones][0]
pairs = [float(a.sum() + c) for a, c in train_set]
batches = len(loader)
col = torch.as_tensor(y)
col_sums = [float(c.sum()) for c in Data.DataLoader(col, batch_size=4, shuffle=True)]
