{{ results.payloads }}
  {{ results.tlp }}
{{ 'a' }}{{ 'b' }}
    {{ none }}
