locals {
  cache = {
    query_string = true
    compress     = false
    query_string = true # written twice: this file is not read
  }
}

resource "aws_s3_bucket" "assets" {
  bucket = "assets"
}
