"""torch.nn.Sequential of Linear and Flatten(0, 1) trained as the examples_nn tutorial does: model.zero_grad(),
loss.backward(), `param -= lr * param.grad` under no_grad over model.parameters(); then the same model under an
optimizer; the first layer's weight (torch's (out, in) layout) and bias read back through model[0]."""
import torch

x = torch.linspace(-1.0, 1.0, 200)  # on [-pi, pi] the sums over x^3 cancel and float32 rounding shows
y = torch.sin(x)
p = torch.tensor([1.0, 2.0, 3.0])
xx = x.unsqueeze(-1).pow(p)

model = torch.nn.Sequential(
    torch.nn.Linear(3, 1),
    torch.nn.Flatten(0, 1)
)
loss_fn = torch.nn.MSELoss(reduction='sum')
initial = [param.detach().clone() for param in model.parameters()]

learning_rate = 1e-3
for t in range(50):
    y_pred = model(xx)
    loss = loss_fn(y_pred, y)
    model.zero_grad()
    loss.backward()
    with torch.no_grad():
        for param in model.parameters():
            param -= learning_rate * param.grad

linear_layer = model[0]
weight, bias = linear_layer.weight.detach().clone(), linear_layer.bias.detach().clone()
weight_grad, bias_grad = linear_layer.weight.grad, linear_layer.bias.grad
first_power = linear_layer.weight[:, 0].item()
count = len(model)
evaluating = model.eval().training  # no layer here computes differently in either mode
model.train()

optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate, momentum=0.5)
for t in range(20):
    loss = loss_fn(model(xx), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
trained = [param.detach().clone() for param in model.parameters()]
last_grads = [param.grad for param in model.parameters()]
