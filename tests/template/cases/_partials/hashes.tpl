  md5:    {{ r.md5 }}
  sha1:   {{ r.sha1 }}
  sha256: {{ r.sha256 }}
