/** The ES version Argus claims: new enough for Filebeat/Logstash 8 and Fluent Bit's es output. */
export const ES_COMPAT_VERSION = '8.9.0';

/** `GET /` of an Elasticsearch 8 node: what Filebeat and Logstash probe before bulk indexing. */
export function esInfo(version: string): Record<string, unknown> {
  return {
    name: 'argus',
    cluster_name: 'argus',
    cluster_uuid: 'argus-logs',
    version: {
      number: ES_COMPAT_VERSION,
      build_flavor: 'default',
      build_type: 'argus',
      build_hash: version,
      build_date: '2023-07-19T14:43:58.555259655Z',
      build_snapshot: false,
      lucene_version: '9.7.0',
      minimum_wire_compatibility_version: '7.17.0',
      minimum_index_compatibility_version: '7.0.0',
    },
    tagline: 'You Know, for Search',
  };
}
