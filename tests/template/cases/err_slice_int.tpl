{{ results.payloads[1:] }}
