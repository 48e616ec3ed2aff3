#!/usr/bin/env python3
# Tools-only check of @mlp/export's files with independent readers: onnx.checker (full check, shape inference)
# on the .onnx file, and the .safetensors file read with numpy from the specification's layout. It prints one JSON
# object (checker verdict, opset, input/output names, metadata, and every tensor's shape and values); it does not
# run the models (ONNX Runtime does that in the package's tests).
import json
import struct
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def check_onnx(path):
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    g = model.graph
    dims = lambda v: [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]
    return {
        "checker": "ok",
        "ir_version": model.ir_version,
        "opset": [[o.domain, o.version] for o in model.opset_import],
        "inputs": [[v.name, dims(v)] for v in g.input],
        "outputs": [[v.name, dims(v)] for v in g.output],
        "ops": [n.op_type for n in g.node],
        "metadata": {p.key: p.value for p in model.metadata_props},
        "initializers": {t.name: {"shape": list(t.dims), "values": numpy_helper.to_array(t).ravel().tolist()} for t in g.initializer},
    }


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    body = data[8 + n :]
    tensors = {}
    end = 0
    for name, e in header.items():
        assert e["dtype"] == "F32", e
        b, t = e["data_offsets"]
        assert b == end, f"{name} starts at {b}, not at {end}"
        arr = np.frombuffer(body[b:t], dtype="<f4").reshape(e["shape"])
        tensors[name] = {"shape": list(arr.shape), "values": arr.ravel().tolist()}
        end = t
    assert end == len(body), f"tensors end at {end}, the data section is {len(body)} bytes"
    return {"header_length": n, "metadata": metadata, "tensors": tensors}


if __name__ == "__main__":
    onnx_path, st_path = sys.argv[1], sys.argv[2]
    print(json.dumps({"onnx": check_onnx(onnx_path), "safetensors": read_safetensors(st_path)}))
