"""A Module's parameters listed one by one for the optimizer (`torch.optim.SGD([model.W, model.B])`, as TF -> PyTorch
writes the TF guide's custom training loop), gradients taken in a function given the model and the data; the
function's name is also a variable's earlier in the file (a notebook's cells), which does not make its parameters
something a caller computes."""
import torch

w = torch.tensor([[1.0]], requires_grad=True)
loss = w * w
loss.backward(torch.ones_like(loss))
grad = w.grad.clone()


class Line(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.W = torch.nn.Parameter(torch.tensor(5.0))
        self.B = torch.nn.Parameter(torch.tensor(10.0))

    def forward(self, inputs):
        return inputs * self.W + self.B


training_inputs = torch.linspace(-1.0, 1.0, 16)
training_outputs = training_inputs * 3 + 2


def loss(model, inputs, targets):
    error = model(inputs) - targets
    return torch.mean(torch.square(error))


def grad(model, inputs, targets):
    loss_value = loss(model, inputs, targets)
    model.W.grad = None
    model.B.grad = None
    loss_value.backward(torch.ones_like(loss_value))
    return [model.W.grad, model.B.grad]


model = Line()
optimizer = torch.optim.SGD([model.W, model.B], lr=0.1)
losses = []
for i in range(5):
    grads = grad(model, training_inputs, training_outputs)
    for param, grad2 in zip([model.W, model.B], grads):
        param.grad = grad2
    optimizer.step()
    losses.append(loss(model, training_inputs, training_outputs).detach())
final_loss = torch.stack(losses)
W, B = model.W.detach().clone(), model.B.detach().clone()
W_grad = model.W.grad
