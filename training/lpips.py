"""LPIPS for the evaluation, only from weights the user supplies (none can be downloaded here)."""


class Lpips:
    """LPIPS v0.1 with AlexNet features (Zhang et al. 2018): unit-normalised features of five ReLU layers,
    squared differences weighted by learned 1×1 layers, averaged over space, summed over layers."""

    def __init__(self, lin_path, backbone_path):
        import torch
        from torch import nn
        from torchvision.models import alexnet
        self.torch = torch
        net = alexnet()
        net.load_state_dict(torch.load(backbone_path, map_location='cpu'))
        f = net.features.eval()
        self.slices = [f[0:2], f[2:5], f[5:8], f[8:10], f[10:12]]
        lin = torch.load(lin_path, map_location='cpu')
        self.lins = []
        for i, ch in enumerate([64, 192, 384, 256, 256]):
            conv = nn.Conv2d(ch, 1, 1, bias=False)
            conv.weight.data.copy_(lin[f'lin{i}.model.1.weight'])
            self.lins.append(conv.eval())
        self.shift = torch.tensor([-.030, -.088, -.188]).view(1, 3, 1, 1)
        self.scale = torch.tensor([.458, .448, .450]).view(1, 3, 1, 1)

    def __call__(self, a, b):
        """a, b: float [H, W, 3] in [0, 1] → distance."""
        torch = self.torch

        def feats(x):
            h = (torch.from_numpy(x).float().permute(2, 0, 1)[None] * 2 - 1 - self.shift) / self.scale
            out = []
            for s in self.slices:
                h = s(h)
                out.append(h / (h.pow(2).sum(1, keepdim=True).sqrt() + 1e-10))
            return out
        with torch.no_grad():
            fa, fb = feats(a), feats(b)
            return float(sum(lin((x - y) ** 2).mean() for lin, x, y in zip(self.lins, fa, fb)))
