{{ 'payloads: ' + results.payloads }}
