{{ results.payloads + }}
