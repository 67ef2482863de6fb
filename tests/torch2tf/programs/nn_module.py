"""An nn.Module holding Linear layers, activation modules and a Sequential as submodules, and a Parameter of its
own: parameters() in torch's order (own Parameters, then each submodule's in assignment order), every gradient,
an optimizer over model.parameters(), Linear without bias, a 1-D input, and the loss modules."""
import torch


class TinyModel(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.layer1 = torch.nn.Linear(4, 5)
        self.relu = torch.nn.ReLU()
        self.head = torch.nn.Sequential(torch.nn.Linear(5, 3, bias=False), torch.nn.Tanh())
        self.scale = torch.nn.Parameter(torch.tensor(1.5))
        self.gate = torch.nn.Sigmoid()

    def forward(self, x):
        x = self.relu(self.layer1(x))
        return self.scale * self.head(x) + self.gate(x[..., :3])


some_input = torch.randn(6, 4)
ideal_output = torch.randn(6, 3)
labels = torch.tensor([0, 2, 1, 1, 0, 2])
model = TinyModel()
shapes = [list(param.shape) for param in model.parameters()]
names = [name for name, _ in model.named_parameters()]

optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
for step in range(5):
    prediction = model(some_input)
    loss = torch.nn.MSELoss()(prediction, ideal_output) + torch.nn.CrossEntropyLoss()(prediction, labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

grads = [param.grad for param in model.parameters()]
layer1_weight, head_weight = model.layer1.weight.detach().clone(), model.head[0].weight.detach().clone()
layer1_weight_grad = model.layer1.weight.grad
single = model(torch.ones(4))
