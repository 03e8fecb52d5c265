"""Single sign-on for a tenant's admins through the company's OpenID Connect identity provider."""
