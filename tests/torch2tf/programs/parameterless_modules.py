"""backward() from leaf tensors through torch.nn modules that hold no parameters (a loss module, a Dropout in
training mode, an activation module): the gradients reach the leaves alone."""
import torch

x = torch.randn(4, 3, requires_grad=True)
w = torch.randn(3, 2, requires_grad=True)
targets = torch.randn(4, 2)
loss_fn = torch.nn.MSELoss()
drop = torch.nn.Dropout(0.25)
act = torch.nn.Tanh()
out = act(drop(x) @ w)
loss = loss_fn(out, targets)
loss.backward()
dx, dw = x.grad, w.grad
