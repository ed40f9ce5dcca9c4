tlp: [   {{- results.tlp -}}   ]
payloads:
    {{- results.payloads }}
{{ 'x' -}}
   y
