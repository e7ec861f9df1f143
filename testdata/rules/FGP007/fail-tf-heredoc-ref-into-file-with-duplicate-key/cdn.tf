locals {
  cache = {
    query_string = true
    compress     = false
    query_string = true # written twice: Terraform keeps the last, so does pullpath
  }
}

resource "aws_s3_bucket" "assets" {
  bucket = "assets"
}
