# Leaves made where no name holds them (in a dict or list display): their gradients, read through the container.
import torch

params = {"w": torch.tensor(1.0, requires_grad=True), "b": torch.tensor(0.0, requires_grad=True)}
pair = [torch.ones(2, requires_grad=True), torch.zeros(2, requires_grad=False)]
loss = (params["w"] * 3.0 + params["b"]) ** 2 + (pair[0] * pair[1] + pair[0]).sum()
loss.backward()
gw, gb = params["w"].grad, params["b"].grad
g0 = pair[0].grad
