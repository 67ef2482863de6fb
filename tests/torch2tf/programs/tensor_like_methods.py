"""Tensor methods shaped or typed like another tensor (`view_as`, `reshape_as`, `expand_as`, `type_as`), also in an
autograd.Function's forward (LucianTu13's Gradcoeff.py: `x.view_as(x)`): they were kept as is in TF (no such
methods there), an unflagged AttributeError."""
import torch


class GradCoeff(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * -0.5


x = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
b = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
labels = torch.tensor([1, 0, 2])
flat = x.view_as(torch.zeros(6))
columns = x.reshape_as(x.t())
rows = b.expand_as(x)
as_float = labels.type_as(x)
as_int = (x * 1.7).type_as(labels)
coeff = GradCoeff.apply(x)
loss = (flat ** 2).sum() + (columns * 3).sum() + (rows * x).sum() + (as_float * b).sum() + coeff.sum()
loss.backward()
