"""torch.autograd.Function classes, one with a non-tensor argument, one whose backward returns a gradient in a
broadcast shape (torch sums it down), in a program that has a name FunctionCtx (twingrad's helper gets another)."""
import torch

FunctionCtx = "a name the program uses itself"


class Power(torch.autograd.Function):
    """x ** power with a non-tensor argument kept on ctx."""

    @staticmethod
    def forward(ctx, x, power):
        ctx.save_for_backward(x)
        ctx.power = power
        return x ** power

    @staticmethod
    def backward(ctx, grad_output):
        x, = ctx.saved_tensors
        return grad_output * ctx.power * x ** (ctx.power - 1), None


class Scale(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a, s):
        ctx.save_for_backward(s)
        return a * s

    @staticmethod
    def backward(ctx, g):
        s, = ctx.saved_tensors
        return g * s, g * 2.0  # a gradient in the broadcast shape: summed down to s's shape


x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
s = torch.tensor(0.5, requires_grad=True)
power = Power.apply
y = Scale.apply(power(x, 3), s).sum()
y.backward()
gx, gs = x.grad, s.grad
