variable "region" {
  type = string
}

variable "environment" {
  type = string
}

variable "vpc_id" {
  type = string
}

variable "private_subnet_ids" {
  type = list(string)
}

variable "image_tag" {
  type = string
}

variable "cpu" {
  type    = number
  default = 256
}
