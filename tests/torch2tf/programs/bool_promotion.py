"""Arithmetic with a boolean operand: torch promotes the bool to the other operand's dtype (`x * (x > 0)` is a float
ReLU), TF's `*` casts the other operand to bool (a logical and) and its other operators raise; the TF side casts the
boolean. twingrad's own TF -> PyTorch form of tf.one_hot multiplies by such a mask."""
import torch

x = torch.tensor([0.5, -2.0, 3.0], requires_grad=True)
i = torch.tensor([1, 2, 3])
m = torch.tensor([True, False, True])
relu = x * (x > 0)
relu_left = (x > 0) * x
mask = x < 1.0
masked = x * mask
shifted = x + m
scaled_float = m * 2.5
scaled_int = m * 2
halves = m / 2
powered = x ** (x < 1)
counts = i * m
both = m * m
called = torch.mul(x, x > 0)
method = x.mul(m)
nan_free = x * ~torch.isnan(x)
wide = x.double() * (x > 0)
y = torch.tensor([0, 2, 1])
one_hot = torch.nn.functional.one_hot(y, 3).float() * ((y >= 0) & (y < 3)).unsqueeze(-1)
weighted = torch.sum(one_hot * torch.tensor([1.0, 2.0, 3.0]), 1)
pred = torch.tensor([1.0, 0.0, 1.0, 1.0])
target = torch.tensor([1.0, 1.0, 1.0, 0.0])
correct = (pred == target).sum()
matches = pred.eq(target).sum()
accuracy = pred.eq(target).sum() / float(target.shape[0])
count = torch.sum(m)
per_row = (one_hot > 0).sum(1)
loss = (relu * masked + shifted * scaled_float + called + method + nan_free + wide.float()).sum()
loss.backward()
