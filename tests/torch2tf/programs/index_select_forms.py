# torch.index_select takes a 1-D or a 0-D index and keeps the selected axis either way (a 0-D index selects one
# entry: size 1); TF's gather with a scalar index would drop that axis.
import torch

table = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
picked = torch.index_select(table, 1, torch.tensor([2, 0, 2]))
single = table.index_select(0, torch.tensor(1))
loss = (picked * picked).sum() + (single * 2.0).sum()
loss.backward()
d_table = table.grad
