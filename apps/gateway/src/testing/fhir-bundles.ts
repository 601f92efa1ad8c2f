/** An EHR's transaction Bundle that PUTs each resource at `<type>/<id>`, as tests and the fault suite send them. */
export function putTransaction<R extends { resourceType: string; id?: string }>(...resources: readonly R[]) {
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: resources.map((resource) => ({
      resource,
      request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` },
    })),
  };
}
