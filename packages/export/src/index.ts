// @mlp/export public API: a model of @mlp/core as ONNX (runs in ONNX Runtime) or safetensors (weights for numpy,
// PyTorch, Rust). Writers only; nothing here reads either format back into an MLP.
export { type Scaling, ExportError, PRODUCER, PRODUCER_VERSION, metadataOf, scalingOf } from './metadata.js';
export { ONNX_OPSET, ONNX_IR_VERSION, ONNX_INPUT, ONNX_OUTPUT, toOnnx } from './onnx.js';
export { toSafetensors } from './safetensors.js';
export { type ExportFormat, EXPORT_FORMATS, EXTENSIONS, exportModel, sniffExport } from './formats.js';
