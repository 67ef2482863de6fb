"""`.requires_grad` of a Module's parameters read in a file with no backward(): torch says True for each; the
loop variable is not a tensor the plan knows (it was translated to False, silently)."""
import torch

torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Tanh(), torch.nn.Linear(2, 1))
flags = [p.requires_grad for p in model.parameters()]
named = {name: p.requires_grad for name, p in model.named_parameters()}
count = 0
for p in model.parameters():
    if p.requires_grad:
        count += p.numel()
trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
y = model(torch.ones(4, 3))
