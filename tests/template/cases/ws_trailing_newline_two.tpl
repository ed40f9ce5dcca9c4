payloads={{ results.payloads }}

