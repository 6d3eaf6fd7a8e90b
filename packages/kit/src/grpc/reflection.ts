import { readFileSync } from "node:fs";
import type { Server } from "@grpc/grpc-js";
import { ReflectionService } from "@grpc/reflection";
import { descriptorSetPath } from "@crm/proto";

/**
 * Serves gRPC server reflection (v1 and v1alpha) from the descriptor set that buf builds, file
 * by file as buf wrote them: imports, well-known types and the standard health service
 * included, so that grpcurl can list, describe and call every method from reflection alone.
 * (Loading the set through proto-loader first loses the well-known types' files.)
 */
export function addReflection(server: Server, serviceNames: string[]): void {
  const files = descriptorFiles(readFileSync(descriptorSetPath));
  const root = { files: { format: "descriptor set", fileDescriptorProtos: files } };
  new ReflectionService(root as never, { services: serviceNames }).addToServer(server);
}

/**
 * The FileDescriptorProtos of a FileDescriptorSet, each as its exact bytes. The set is
 * `repeated FileDescriptorProto file = 1`: a sequence of length-delimited field-1 records.
 */
export function descriptorFiles(set: Uint8Array): Uint8Array[] {
  const files: Uint8Array[] = [];
  let position = 0;
  const varint = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = set[position++];
      if (byte === undefined) throw new Error("truncated descriptor set");
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  while (position < set.length) {
    const tag = varint();
    if (tag !== ((1 << 3) | 2)) throw new Error(`unexpected field tag ${tag} in descriptor set`);
    const length = varint();
    files.push(set.subarray(position, position + length));
    position += length;
  }
  return files;
}
