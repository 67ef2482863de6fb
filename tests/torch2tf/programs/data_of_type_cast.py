# MorvanZhou's classification labels: `.type(torch.LongTensor)` of a computed tensor, then `.data.numpy()`.
import torch

y = torch.cat((torch.zeros(3), torch.ones(3))).type(torch.LongTensor)
target_y = y.data.numpy()
w = torch.tensor([0.5, -1.0], requires_grad=True)
score = (w[0] * y.type(torch.FloatTensor) + w[1]).sum()
score.backward()
gw = w.grad
