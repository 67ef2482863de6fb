"""torch.autograd.Function subclasses: a clamp whose backward writes a mask into a cloned gradient, and a
two-input function with a non-tensor argument and ctx attributes (a gradient that is not the true derivative,
so only the custom backward gives these numbers)."""
import torch


class MyReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input


class ScaledProduct(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a, b, scale):
        ctx.save_for_backward(a, b)
        ctx.scale = scale
        return a * b * scale

    @staticmethod
    def backward(ctx, grad_output):
        a, b = ctx.saved_tensors
        return grad_output * b * ctx.scale * 2, grad_output * a, None


x = torch.tensor([[-1.0, 0.5, 2.0], [0.25, -0.75, 1.5]])
w = torch.tensor([[0.5, -1.0], [1.5, 0.25], [-0.5, 1.0]], requires_grad=True)
v = torch.tensor([1.0, -2.0], requires_grad=True)
relu = MyReLU.apply
hidden = relu(x.mm(w))
out = ScaledProduct.apply(hidden, v, 3.0)
loss = out.sum()
loss.backward()
gw, gv = w.grad, v.grad
