"""An accuracy computed in NumPy from predictions taken out of the graph (MorvanZhou's classification tutorial):
`(pred_y == target_y).astype(int).sum()`. PyTorch -> TF gives that sum to tf.reduce_sum, which takes the array;
its way back must make the array a tensor for torch.sum."""
import torch

x = torch.tensor([[0.5, -1.0], [2.0, 0.3], [-0.4, 1.2]])
w = torch.tensor([[1.0, -0.5], [0.25, 0.75]], requires_grad=True)
target = torch.tensor([0, 1, 1])
logits = x @ w
loss = torch.nn.functional.cross_entropy(logits, target)
loss.backward()
pred_y = torch.max(logits, 1)[1].data.numpy()
target_y = target.data.numpy()
accuracy = float((pred_y == target_y).astype(int).sum()) / float(target_y.size)
w_grad = w.grad
