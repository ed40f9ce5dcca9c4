{{ (results.payloads + 1 }}
