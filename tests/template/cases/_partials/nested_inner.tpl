  <inner {{ label }} payloads={{ results.payloads }}>
