"""A small CNN as the PyTorch tutorials write it: Conv2d, MaxPool2d and F.max_pool2d on NCHW inputs, flatten in
torch's (C, H, W) order, Linear; padding as an int, a tuple and 'same', stride, dilation, no bias, an unbatched
(C, H, W) input; every parameter's gradient and a few SGD steps. Twin runs start the convolutions from torch's
default initialisation in both worlds."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(4, 6, (3, 2), stride=1, padding=1, bias=False)
        self.fc = nn.Linear(6 * 3 * 3, 5)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = F.max_pool2d(F.relu(self.conv2(x)), (2, 2))
        x = torch.flatten(x, 1)
        return self.fc(x)


x = torch.randn(2, 1, 14, 14)
labels = torch.tensor([1, 3])
net = Net()
shapes = [list(p.shape) for p in net.parameters()]
optimizer = torch.optim.SGD(net.parameters(), lr=0.05)
for step in range(3):
    optimizer.zero_grad()
    loss = F.cross_entropy(net(x), labels)
    loss.backward()
    optimizer.step()

conv1_weight = net.conv1.weight.detach().clone()
conv1_weight_grad = net.conv1.weight.grad
conv1_bias_grad = net.conv1.bias.grad
conv2_weight_grad = net.conv2.weight.grad
fc_weight_grad = net.fc.weight.grad

# other forms: 'same' padding with dilation, stride, padded pooling with its own stride, one unbatched image
same = nn.Conv2d(2, 3, 4, padding="same", dilation=2)
strided = nn.Conv2d(2, 3, kernel_size=(3, 3), stride=2, padding=(0, 1))
padded_pool = nn.MaxPool2d(3, stride=2, padding=1)
images = torch.randn(2, 2, 9, 8, requires_grad=True)
same_out = same(images)
strided_out = strided(images)
pooled = padded_pool(images)
window = F.max_pool2d(images, kernel_size=(3, 2), stride=(2, 1))
unbatched = same(images[0])
total = same_out.sum() + (strided_out ** 2).sum() + (pooled * 2).sum() + window.sum() + unbatched.mean()
total.backward()
images_grad = images.grad
same_weight_grad = same.weight.grad
strided_bias_grad = strided.bias.grad
