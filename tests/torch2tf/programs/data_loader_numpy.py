# DataLoaders over NumPy data made tensors inline, as tutorials write them: a shuffled TensorDataset of
# torch.as_tensor / torch.from_numpy arrays (its length is the first array's), iterated for a few epochs, and
# next(iter(loader)) for a first look.
import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset

rng = np.random.RandomState(3)
features = rng.uniform(-1, 1, (11, 2)).astype(np.float32)
targets = (features @ np.array([2.0, -1.0], np.float32) + 0.5).astype(np.float32)

loader = DataLoader(TensorDataset(torch.as_tensor(features), torch.from_numpy(targets)), batch_size=3, shuffle=True)
w = torch.zeros(2, requires_grad=True)
opt = torch.optim.SGD([w], lr=0.2)
losses = []
for epoch in range(2):
    for xb, yb in loader:
        loss = ((xb @ w - yb) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
first_x, first_y = next(iter(loader))
