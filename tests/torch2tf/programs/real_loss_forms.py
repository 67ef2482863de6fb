"""Forms from tutorials nobody on the team wrote: smooth L1 (examples_regression), NLLLoss over log_softmax
(nlp_bow_classifier), `.type(torch.FloatTensor)` / `torch.LongTensor` casts and `torch.max(out, 1)[1]`
(morvan_302), `torch.zeros(*x.size())` (morvan_306). Smooth L1 with beta 1 is Huber with delta 1: both branches
are taken (|d| below and above 1); NLL picks the target's log-probability."""
import torch
import torch.nn as nn
import torch.nn.functional as F

x = torch.cat((torch.ones(3, 2) * 0.5, torch.ones(3, 2) * -1.5), 0).type(torch.FloatTensor)
y = torch.cat((torch.zeros(3), torch.ones(3)), ).type(torch.LongTensor)
noise = torch.zeros(*x.size()) + 0.25
w = torch.tensor([[0.3, -0.8], [1.2, 0.4]], requires_grad=True)

out = (x + noise) @ w
smooth = F.smooth_l1_loss(out, x * 2.0) + nn.SmoothL1Loss(reduction='sum')(out, x)
per_element = F.smooth_l1_loss(out, x * 2.0, reduction='none')
log_probs = F.log_softmax(out, dim=1)
nll = nn.NLLLoss()(log_probs, y) + F.nll_loss(log_probs, torch.LongTensor([1, 0, 1, 0, 1, 0]), reduction='sum')
loss = smooth + nll
loss.backward()
gw = w.grad
prediction = torch.max(out, 1)[1]
accuracy = (prediction == y).type(torch.FloatTensor).mean()
